"""The reader's own data through the window (issue 7): bookmarks, history, resume, notes,
saved searches, own imports, the bundled merge, the second instance and notes in the PDF."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPointF, Qt, QUrl
from PySide6.QtGui import (
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPalette,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QToolBar,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop import paths
from desktop.cli import build_parser
from desktop.data.archive import Archive
from desktop.data.importer import import_seeds, set_meta
from desktop.data.urls import normalize_url
from desktop.data.userarchive import ensure_user_archive
from desktop.data.userdata import Setting, UserData, UserDataError
from desktop.errors import ArchiveError, ArticleNotFoundError
from desktop.typography import PALETTES
from desktop.ui import export, importing
from desktop.ui.app import forwarded_arguments, open_userdata
from desktop.ui.instance import SingleInstance, default_name
from desktop.ui.mainwindow import RESULTS_PAGE, TREE_PAGE, MainWindow
from desktop.ui.models import (
    BOOKMARKS_LABEL,
    SAVED_SEARCHES_LABEL,
    ArticleTreeModel,
    NodeKind,
    Role,
    UserEntry,
    greyed_text,
)
from desktop.ui.notes import ERROR_COLOURS
from desktop.ui.session import reopen_last_article, restore_session

# The offscreen platform says these on show() and raise_(); harmless (PLATFORM-NOTES.md).
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "tests" / "data" / "seeds"
GUARDIAN_URL = (
    "https://www.theguardian.com/us-news/2016/dec/11/"
    "rex-tillerson-director-bahamas-us-russian-oil-firm-leak"
)
GUARDIAN_TITLE = "Rex Tillerson director Bahamas US-Russian oil firm leak"
MOSUL_URL = (
    "http://www.independent.co.uk/news/world/middle-east/mosul-offensive-latest-isis-escape-"
    "route-cut-off-new-front-launched-shiite-militia-hashed-al-shaabi-a7386276.html"
)
NOTE = "Check the Exxon figures <b>again</b> & ask Sam"


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes are recorded (and answered Close) instead of blocking the test."""
    shown: list[str] = []

    def record(box: QMessageBox) -> int:
        assert box.textFormat() == Qt.TextFormat.PlainText
        shown.append(box.text())
        return int(QMessageBox.StandardButton.Close)

    monkeypatch.setattr(QMessageBox, "exec", record)
    return shown


@pytest.fixture
def userdata(tmp_path: Path) -> Iterator[UserData]:
    opened = UserData.open(tmp_path / "data")
    yield opened
    opened.close()


def make_window(qtbot: QtBot, archive: Archive, userdata: UserData) -> MainWindow:
    win = MainWindow(archive, theme="light", userdata=userdata)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot: QtBot, archive_path: Path, userdata: UserData) -> Iterator[MainWindow]:
    palette = QApplication.palette()
    win = make_window(qtbot, Archive(archive_path), userdata)
    yield win
    win.search_bar.shutdown()
    win.archive.close()
    QApplication.setPalette(palette)
    QGuiApplication.styleHints().unsetColorScheme()


def top_rows(window: MainWindow) -> list[str]:
    model = window.tree_model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def children(window: MainWindow, kind: NodeKind) -> list[QModelIndex]:
    group = window.tree_model.group_index(kind)
    return [window.tree_model.index(r, 0, group) for r in range(window.tree_model.rowCount(group))]


def build(path: Path, seeds: list[Path]) -> Path:
    import_seeds(seeds, path)
    return path


def good_seeds() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


# -- bookmarks -------------------------------------------------------------------------------


def test_ctrl_d_stars_the_open_article_and_lists_it_under_bookmarks_at_the_top(
    qtbot: QtBot, window: MainWindow
) -> None:
    star = window.commands.bookmark
    assert star.shortcut() == QKeySequence("Ctrl+D")
    assert not star.isEnabled()
    assert BOOKMARKS_LABEL not in top_rows(window)
    window.open_reference(GUARDIAN_URL)
    assert star.isEnabled() and not star.isChecked()
    star.trigger()
    assert star.isChecked()
    assert top_rows(window)[0] == BOOKMARKS_LABEL
    [row] = children(window, NodeKind.BOOKMARKS)
    assert row.data() == GUARDIAN_TITLE
    assert row.data(Qt.ItemDataRole.ForegroundRole) is None  # not greyed
    assert window.userdata.is_bookmarked(GUARDIAN_URL)
    # Another article: the star shows it is not bookmarked; back again, it is.
    window.open_reference(MOSUL_URL)
    assert not star.isChecked()
    window.tree.setCurrentIndex(children(window, NodeKind.BOOKMARKS)[0])
    assert window.current is not None and window.current.article.title == GUARDIAN_TITLE
    assert star.isChecked()
    star.trigger()
    assert not star.isChecked()
    assert BOOKMARKS_LABEL not in top_rows(window)
    assert window.userdata.bookmarks() == []


def test_the_toolbar_carries_the_bookmark_star(window: MainWindow) -> None:
    toolbar = window.findChild(QToolBar, "navigation")
    assert toolbar is not None
    assert window.commands.bookmark in toolbar.actions()
    assert window.commands.bookmark.isCheckable()


def test_bookmarks_and_notes_survive_an_archive_rebuilt_with_other_ids(
    qtbot: QtBot, tmp_path: Path, userdata: UserData
) -> None:
    first = build(tmp_path / "first.db", good_seeds())
    second = build(tmp_path / "second.db", list(reversed(good_seeds())))
    with Archive(first) as a, Archive(second) as b:
        old_id, new_id = a.resolve(GUARDIAN_URL), b.resolve(GUARDIAN_URL)
    assert old_id != new_id
    window = make_window(qtbot, Archive(first), userdata)
    window.open_reference(GUARDIAN_URL)
    window.library.set_bookmarked(True)
    window.notes.editor.setPlainText(NOTE)
    assert window.notes.flush()
    window.set_archive(Archive(second))
    [row] = children(window, NodeKind.BOOKMARKS)
    assert row.data() == GUARDIAN_TITLE
    assert row.data(Role.ARTICLE_ID) == new_id
    window.tree.setCurrentIndex(row)
    assert window.current is not None and window.current.id == new_id
    assert window.notes.text() == NOTE
    window.archive.close()


def test_a_bookmark_whose_article_is_not_in_the_archive_is_kept_greyed(
    qtbot: QtBot, tmp_path: Path, userdata: UserData
) -> None:
    others = [p for p in good_seeds() if "guardian" not in p.name]
    userdata.add_bookmark(GUARDIAN_URL, GUARDIAN_TITLE)
    window = make_window(qtbot, Archive(build(tmp_path / "no-guardian.db", others)), userdata)
    [row] = children(window, NodeKind.BOOKMARKS)
    assert row.data() == GUARDIAN_TITLE
    assert row.data(Qt.ItemDataRole.ForegroundRole) == greyed_text()
    assert "Not in this archive" in row.data(Qt.ItemDataRole.ToolTipRole)
    # Choosing it opens nothing.
    window.tree.setCurrentIndex(row)
    assert window.current is None
    assert [b.url for b in userdata.bookmarks()] == [normalize_url(GUARDIAN_URL)]
    # It cannot be opened to unstar it, so its context menu removes it.
    menu = window.library.context_menu(row)
    assert menu is not None
    [remove] = menu.actions()
    assert remove.text() == "Remove bookmark"
    remove.trigger()
    assert userdata.bookmarks() == []
    assert BOOKMARKS_LABEL not in top_rows(window)
    assert window.library.context_menu(window.tree_model.index(0, 0)) is None  # an outlet
    window.archive.close()


def test_tree_with_user_groups_passes_qt_model_tester_as_they_come_and_go(
    qtmodeltester: ModelTester, archive: Archive
) -> None:
    model = ArticleTreeModel(archive)
    outlets = model.outlet_names()
    qtmodeltester.check(model)
    star = UserEntry(GUARDIAN_TITLE, GUARDIAN_URL, "tip", archive.resolve(GUARDIAN_URL))
    gone = UserEntry("Gone", "https://example.com/gone", "Not in this archive")
    model.set_user_group(NodeKind.SAVED_SEARCHES, [UserEntry("Floods", "Floods", "tip")])
    model.set_user_group(NodeKind.BOOKMARKS, [star, gone])
    rows = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert rows == [BOOKMARKS_LABEL, SAVED_SEARCHES_LABEL, *outlets]
    assert model.outlet_names() == outlets
    assert model.index(0, 1).data() == "2"
    model.set_user_group(NodeKind.BOOKMARKS, [gone])
    model.set_user_group(NodeKind.SAVED_SEARCHES, [])
    rows = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert rows == [BOOKMARKS_LABEL, *outlets]
    assert model.index(0, 0, model.index(0, 0)).data() == "Gone"
    gone_row = model.index(0, 0, model.index(0, 0))
    assert gone_row.data(Qt.ItemDataRole.ForegroundRole) == greyed_text()


def test_sorting_the_tree_keeps_the_user_groups(archive: Archive) -> None:
    # Not under the model tester: it cannot watch a reset of a lazy model (test_tree_model).
    model = ArticleTreeModel(archive)
    model.set_user_group(NodeKind.BOOKMARKS, [UserEntry("Gone", "https://example.com/x", "")])
    model.set_order("date")
    assert model.index(0, 0).data() == BOOKMARKS_LABEL
    assert model.rowCount() == 1 + len(archive.outlets())


# -- history and resume ----------------------------------------------------------------------


def test_recently_read_lists_the_latest_first_and_opens_them(window: MainWindow) -> None:
    window.open_reference(GUARDIAN_URL)
    window.open_reference(MOSUL_URL)
    window.recent_menu.aboutToShow.emit()
    actions = window.recent_menu.actions()
    assert [a.text() for a in actions][:2] == [window.current.article.title, GUARDIAN_TITLE]
    actions[1].trigger()
    assert window.current is not None and window.current.article.title == GUARDIAN_TITLE


def test_reopening_an_article_returns_to_where_the_reader_stopped(window: MainWindow) -> None:
    window.resize(900, 500)
    window.open_reference(MOSUL_URL)
    bar = window.reader.verticalScrollBar()
    assert bar.maximum() > 100
    bar.setValue(round(bar.maximum() * 0.6))
    window.open_reference(GUARDIAN_URL)
    assert window.userdata.position(MOSUL_URL) == pytest.approx(0.6, abs=0.01)
    assert window.reader.verticalScrollBar().value() == 0
    window.open_reference(MOSUL_URL)
    assert bar.value() == pytest.approx(bar.maximum() * 0.6, abs=2)


def test_the_next_start_restores_article_position_geometry_splitter_zoom_and_theme(
    qtbot: QtBot, archive_path: Path, userdata: UserData
) -> None:
    palette = QApplication.palette()
    first = make_window(qtbot, Archive(archive_path), userdata)
    first.remember_session = True
    first.resize(760, 560)  # inside the offscreen screen (800 × 600), so it is kept as is
    first.open_reference(MOSUL_URL)
    first.splitter.setSizes([280, 480])
    first.reader.zoom_in()
    first.reader.zoom_in()
    first.set_theme_mode("dark")
    bar = first.reader.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    sizes = first.splitter.sizes()
    first.close()
    first.archive.close()
    with Archive(archive_path) as archive:
        mosul = archive.get(archive.resolve(MOSUL_URL)).article.normalized_url
        last = str(userdata.setting(Setting.LAST_ARTICLE))
        assert archive.resolve(last) == archive.resolve(mosul)

    second = MainWindow(Archive(archive_path), theme="light", userdata=userdata)
    qtbot.addWidget(second)
    restore_session(second, userdata)
    second.show()
    qtbot.waitExposed(second)
    assert reopen_last_article(second, userdata)
    try:
        assert second.current is not None and second.current.article.normalized_url == mosul
        assert (second.width(), second.height()) == (760, 560)
        assert second.splitter.sizes() == sizes
        assert second.reader.zoom == 2
        assert second.theme_mode() == "dark"
        assert second.reading_position() == pytest.approx(0.5, abs=0.02)
    finally:
        second.close()
        second.archive.close()
        QApplication.setPalette(palette)
        QGuiApplication.styleHints().unsetColorScheme()


def test_a_theme_given_at_start_wins_over_the_saved_one(
    qtbot: QtBot, window: MainWindow, userdata: UserData
) -> None:
    userdata.set_setting(Setting.THEME, "dark")
    restore_session(window, userdata, theme=False)
    assert window.theme_mode() == "light"


# -- notes -----------------------------------------------------------------------------------


def test_view_notes_shows_the_panel_and_a_note_is_saved_as_typed(
    qtbot: QtBot, window: MainWindow, userdata: UserData
) -> None:
    window.open_reference(GUARDIAN_URL)
    assert not window.notes.isVisible()
    window.commands.notes.trigger()
    assert window.notes.isVisible()
    with qtbot.waitSignal(window.notes.saved, timeout=3000):
        qtbot.keyClicks(window.notes.editor, NOTE)
    assert userdata.note(GUARDIAN_URL) == NOTE
    window.open_reference(MOSUL_URL)
    assert window.notes.text() == ""
    window.notes.editor.setPlainText("Second")
    window.go_back()
    assert userdata.note(MOSUL_URL) == "Second"  # saved on leaving, before the timer
    assert window.notes.text() == NOTE


def test_a_failing_save_keeps_the_typed_note_and_says_so_in_the_panel(
    qtbot: QtBot, window: MainWindow, userdata: UserData, monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[str],
) -> None:
    window.open_reference(GUARDIAN_URL)
    window.commands.notes.trigger()
    window.notes.editor.setPlainText("Saved before")
    assert window.notes.flush()
    window.notes.editor.moveCursor(QTextCursor.MoveOperation.End)

    def disk_full(self: UserData, url: str, text: str) -> None:
        raise UserDataError(str(self.path), "could not save the note: database or disk is full",
                            "free some disk space and try again")

    monkeypatch.setattr(UserData, "set_note", disk_full)
    with qtbot.waitSignal(window.notes.save_failed, timeout=3000):
        qtbot.keyClicks(window.notes.editor, " and more")
    assert window.notes.text() == "Saved before and more"
    assert window.notes.status_label.isVisible()
    assert "disk is full" in window.notes.status_label.text()
    assert str(userdata.path) in window.notes.status_label.text()
    assert message_boxes == []
    assert userdata.note(GUARDIAN_URL) == "Saved before"
    # The warning stays readable when the theme changes.
    def warning_colour() -> str:
        return window.notes.status_label.palette().color(QPalette.ColorRole.WindowText).name()

    assert warning_colour() == ERROR_COLOURS["light"]
    window.set_theme_mode("dark")
    qtbot.waitUntil(lambda: warning_colour() == ERROR_COLOURS["dark"], timeout=3000)
    # Moving on keeps the unsaved text for that article, in the panel when it comes back.
    window.open_reference(MOSUL_URL)
    window.go_back()
    assert window.notes.text() == "Saved before and more"
    monkeypatch.undo()
    window.notes.editor.moveCursor(QTextCursor.MoveOperation.End)
    with qtbot.waitSignal(window.notes.saved, timeout=3000):
        qtbot.keyClicks(window.notes.editor, "!")
    assert userdata.note(GUARDIAN_URL) == "Saved before and more!"
    assert not window.notes.has_unsaved()


def test_notes_appendix_in_the_exported_pdf(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.open_reference(GUARDIAN_URL)
    window.notes.editor.setPlainText(NOTE + "\nSecond line of the note")
    out = tmp_path / "with-notes.pdf"
    asked: list[bool] = []

    def accept(dialog: export.ExportOptionsDialog) -> int:
        asked.append(dialog.include_notes.isChecked())
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(export.ExportOptionsDialog, "exec", accept)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.commands.export_pdf.trigger()
    assert asked == [True]
    text = pdftotext(out)
    assert text.index("appointment could raise potential conflicts") < text.index("Notes")
    assert f"Notes\n{NOTE}\nSecond line of the note" in text


def test_export_without_notes_when_unticked(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.open_reference(GUARDIAN_URL)
    window.notes.editor.setPlainText(NOTE)
    out = tmp_path / "without.pdf"

    def untick(dialog: export.ExportOptionsDialog) -> int:
        dialog.include_notes.setChecked(False)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(export.ExportOptionsDialog, "exec", untick)
    monkeypatch.setattr(export, "_include_notes", True)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.commands.export_pdf.trigger()
    assert "Notes" not in pdftotext(out)
    assert NOTE not in pdftotext(out)


def test_cli_export_pdf_notes_adds_the_appendix(tmp_path: Path, archive_path: Path) -> None:
    data = tmp_path / "data"
    with UserData.open(data) as userdata:
        userdata.set_note(GUARDIAN_URL, NOTE)
    out = tmp_path / "cli.pdf"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("BROADSHEET_DATA_DIR", None)
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(data), "export-pdf", GUARDIAN_URL,
         "--db", str(archive_path), "-o", str(out), "--notes"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"Notes\n{NOTE}" in pdftotext(out)


def pdftotext(pdf: Path) -> str:
    result = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                            check=True)
    return result.stdout


# -- saved searches --------------------------------------------------------------------------


def test_a_saved_search_is_a_tree_node_that_runs_it_with_its_filters(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    bar = window.search_bar
    assert not window.commands.save_search.isEnabled()
    bar.outlet_combo.setCurrentIndex(bar.outlet_combo.findData("BBC News"))
    with qtbot.waitSignal(bar.search_finished, timeout=5000) as found:
        bar.search_now("trump")
    titles = [h.title for h in found.args[2]]
    assert titles and {h.outlet for h in found.args[2]} == {"BBC News"}
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Trump at the BBC", True))
    window.commands.save_search.trigger()
    bar.search_now("")
    bar.set_filters(None, None)
    assert window.side.currentIndex() == TREE_PAGE
    assert SAVED_SEARCHES_LABEL in top_rows(window)
    [row] = children(window, NodeKind.SAVED_SEARCHES)
    assert row.data() == "Trump at the BBC"
    assert "“trump” in BBC News" in row.data(Qt.ItemDataRole.ToolTipRole)
    window.tree.setCurrentIndex(row)  # passing over it with the keyboard runs nothing
    assert window.side.currentIndex() == TREE_PAGE and bar.query == ""
    with qtbot.waitSignal(bar.search_finished, timeout=5000) as again:
        qtbot.mouseClick(window.tree.viewport(), Qt.MouseButton.LeftButton,
                         pos=window.tree.visualRect(row).center())
    assert [h.title for h in again.args[2]] == titles
    assert bar.query == "trump"
    assert bar.filters() == ("BBC News", None)
    assert window.side.currentIndex() == RESULTS_PAGE
    menu = window.library.context_menu(row)
    assert menu is not None and [a.text() for a in menu.actions()] == ["Delete saved search"]
    menu.actions()[0].trigger()
    assert window.userdata.saved_searches() == []
    assert SAVED_SEARCHES_LABEL not in top_rows(window)


# -- own imports -----------------------------------------------------------------------------


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small bundled archive (two seeds, no Guardian) standing in for the app's own."""
    path = build(tmp_path / "bundled" / "archive.db",
                 [SEEDS / "bbc_trump_team.txt", SEEDS / "reuters_no_counts.txt"])
    monkeypatch.setattr(paths, "bundled_archive", lambda: path)
    return path


def seed_folder(tmp_path: Path, names: list[str], bad: tuple[str, ...] = ()) -> Path:
    folder = tmp_path / "to-import"
    folder.mkdir()
    for name in names:
        shutil.copy(SEEDS / name, folder / name)
    for name in bad:
        shutil.copy(SEEDS / "bad" / name, folder / name)
    return folder


def test_import_seeds_reports_a_bad_seed_and_opens_the_good_one_in_the_users_archive(
    qtbot: QtBot, tmp_path: Path, bundled: Path, userdata: UserData
) -> None:
    window = make_window(qtbot, Archive(bundled), userdata)
    before = window.tree_model.total_count()
    folder = seed_folder(tmp_path, ["guardian_tillerson.txt"], ("binary_nul.txt",))
    with qtbot.waitSignal(window.updates.import_finished, timeout=30000) as done:
        flow = window.updates.import_seeds([folder])
        assert flow is not None and flow.progress.isVisible()
    report = done.args[0]
    assert (report.new, len(report.rejected)) == (1, 1)
    assert flow.report_dialog is not None and flow.report_dialog.isVisible()
    text = flow.report_dialog.details.toPlainText()
    assert "1 new, 0 updated, 0 unchanged" in text
    rejected_line = next(line for line in text.splitlines() if "binary_nul.txt" in line)
    assert rejected_line.startswith(str(folder / "binary_nul.txt") + ": ")
    assert rejected_line == f"{folder / 'binary_nul.txt'}: {report.rejected[0][1]}"
    assert window.archive.path == paths.user_archive()
    assert window.tree_model.total_count() == before + 1
    assert window.current is not None and window.current.article.title == GUARDIAN_TITLE
    flow.report_dialog.close()
    window.archive.close()


def test_cancelling_an_import_keeps_the_files_that_finished(
    qtbot: QtBot, tmp_path: Path, bundled: Path, userdata: UserData,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importing, "CHUNK_FILES", 1)
    names = ["guardian_tillerson.txt", "independent_gallery_utf16.txt", "nytimes_billy_bush.txt"]
    window = make_window(qtbot, Archive(bundled), userdata)
    folder = seed_folder(tmp_path, names)
    with qtbot.waitSignal(window.updates.import_finished, timeout=30000):
        flow = window.updates.import_seeds([folder])
        assert flow is not None
        cancel = flow.progress.findChild(QPushButton)
        assert cancel is not None and cancel.text() == "Cancel"
        flow.job.chunk_finished.connect(lambda _done, _total: cancel.click())
    assert flow.report_dialog is not None
    assert "cancelled after 1 of 3 files" in flow.report_dialog.details.toPlainText()
    with Archive(paths.user_archive()) as user:
        user.resolve(GUARDIAN_URL)
        with pytest.raises(ArticleNotFoundError):
            user.resolve(MOSUL_URL)
        assert user.article_count() == 3  # the two bundled articles and the first import
    flow.report_dialog.close()
    window.archive.close()


def test_dropping_a_folder_on_the_window_imports_it(
    qtbot: QtBot, tmp_path: Path, bundled: Path, userdata: UserData
) -> None:
    window = make_window(qtbot, Archive(bundled), userdata)
    folder = seed_folder(tmp_path, ["guardian_tillerson.txt"])
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    drop = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.updates.import_finished, timeout=30000):
        window.dropEvent(drop)
    assert drop.isAccepted()
    assert window.current is not None and window.current.article.title == GUARDIAN_TITLE
    window.archive.close()


def test_a_newer_bundled_archive_is_merged_at_start_without_deleting(
    qtbot: QtBot, tmp_path: Path, bundled: Path, userdata: UserData
) -> None:
    user = ensure_user_archive(bundled, paths.user_archive())
    import_seeds([SEEDS / "nytimes_billy_bush.txt"], user)  # the reader's own import
    import_seeds([SEEDS / "guardian_tillerson.txt"], bundled)  # the app update
    set_meta(bundled, built_at="2099-01-01T00:00:00+00:00")
    window = make_window(qtbot, Archive(user), userdata)
    before = window.tree_model.total_count()
    with qtbot.waitSignal(window.updates.merge_finished, timeout=30000) as done:
        assert window.updates.start_bundled_merge()
    assert done.args[0].merged and done.args[0].new == 1
    assert window.tree_model.total_count() == before + 1
    assert window.open_reference(GUARDIAN_URL)
    with Archive(user) as merged:
        assert merged.article_count() == 4  # two bundled, the reader's own, the new one
    window.archive.close()


def test_no_merge_when_the_window_shows_another_archive(window: MainWindow) -> None:
    assert window.updates.start_bundled_merge() is False


# -- start-up --------------------------------------------------------------------------------


def test_a_damaged_data_file_is_set_aside_and_the_reader_is_told(user_dirs: Path) -> None:
    damaged = user_dirs / "userdata.db"
    damaged.write_bytes(b"this is not a database " * 100)
    userdata, notices = open_userdata()
    try:
        assert len(notices) == 1
        kept = [p for p in user_dirs.iterdir() if p.name.startswith("userdata.db.corrupt-")]
        assert len(kept) == 1 and str(kept[0]) in notices[0]
        assert userdata.bookmarks() == []
    finally:
        userdata.close()


def test_a_damaged_bundled_archive_is_a_clear_error_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ui.app import _open_archive

    damaged = tmp_path / "archive.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    monkeypatch.setattr(paths, "bundled_archive", lambda: damaged)
    with pytest.raises(ArchiveError) as caught:
        _open_archive(damaged)
    assert str(damaged) in str(caught.value)
    assert "reinstall Broadsheet" in str(caught.value)


def test_the_bundled_archive_is_checked_after_the_first_paint_once_per_installed_copy(
    qtbot: QtBot, bundled: Path, userdata: UserData, monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[str],
) -> None:
    from desktop.data import userarchive
    from desktop.ui import app

    checked: list[Path] = []
    real_check = userarchive.check_bundled
    monkeypatch.setattr(userarchive, "check_bundled",
                        lambda path: (checked.append(path), real_check(path))[1])
    opened = app._open_archive(bundled)
    assert checked == []  # opening it does not read it all
    window = make_window(qtbot, opened, userdata)
    app._check_bundled_once(window)
    qtbot.waitUntil(lambda: userdata.setting(Setting.BUNDLED_CHECKED) is not None)
    assert checked == [bundled]
    app._check_bundled_once(window)  # the same copy: not checked again
    assert checked == [bundled]
    os.utime(bundled, ns=(1, 1))  # another copy (a newer install) is checked again
    app._check_bundled_once(window)
    qtbot.waitUntil(lambda: len(checked) == 2)
    assert message_boxes == []
    window.archive.close()


def test_a_bundled_archive_found_damaged_after_the_first_paint_is_reported(
    qtbot: QtBot, bundled: Path, userdata: UserData, monkeypatch: pytest.MonkeyPatch,
    message_boxes: list[str],
) -> None:
    from desktop.data import userarchive
    from desktop.ui import app

    def damaged(path: Path) -> None:
        raise ArchiveError(str(path), "the archive that comes with Broadsheet is damaged "
                           "(page 7: btreeInitPage() returns error code 11)",
                           "reinstall Broadsheet")

    monkeypatch.setattr(userarchive, "check_bundled", damaged)
    window = make_window(qtbot, app._open_archive(bundled), userdata)
    app._check_bundled_once(window)
    qtbot.waitUntil(lambda: message_boxes != [])
    assert str(bundled) in message_boxes[0] and "reinstall Broadsheet" in message_boxes[0]
    assert userdata.setting(Setting.BUNDLED_CHECKED) is None  # checked again next start
    window.archive.close()


def test_a_screenshot_run_does_not_restore_the_last_session(
    qapp: QApplication, tmp_path: Path, archive_path: Path
) -> None:
    data = tmp_path / "data"
    with UserData.open(data) as userdata:
        userdata.set_setting(Setting.THEME, "dark")
        userdata.set_setting(Setting.LAST_ARTICLE, GUARDIAN_URL)
        userdata.set_setting(Setting.ZOOM, 6)
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("BROADSHEET_DATA_DIR", None)
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(data), "--db", str(archive_path),
         "--screenshot", str(out)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    shot = QImage(str(out))
    # The reader area shows the light "choose an article" page, not the dark Guardian article.
    assert shot.pixelColor(1200, 700).name() == PALETTES["light"].background
    with UserData.open(data) as userdata:
        assert userdata.recent() == []


def test_a_second_broadsheet_hands_over_to_the_running_one_and_exits_0(
    qtbot: QtBot, tmp_path: Path, archive_path: Path
) -> None:
    data = tmp_path / "data"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("BROADSHEET_DATA_DIR", None)
    command = [sys.executable, "-m", "desktop", "--data-dir", str(data), "--db", str(archive_path)]
    running = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        probe = SingleInstance(default_name(data))
        qtbot.waitUntil(lambda: running.poll() is None and probe.try_hand_over([]),
                        timeout=60000)
        second = subprocess.run([*command, "--open", GUARDIAN_URL], env=env, cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stderr
        assert running.poll() is None

        def opened_there() -> bool:
            with UserData.open(data) as userdata:
                return [h.title for h in userdata.recent()] == [GUARDIAN_TITLE]

        qtbot.waitUntil(opened_there, timeout=20000)
    finally:
        running.terminate()
        _out, err = running.communicate(timeout=30)
    assert "Traceback" not in err


def test_a_first_start_loads_qtnetwork_after_its_first_paint_and_then_listens(
    tmp_path: Path, archive_path: Path
) -> None:
    data = tmp_path / "data"
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "import desktop.ui.app as app_module\n"
        "from desktop.cli import main\n"
        "from desktop.ui.instancename import default_name, server_may_exist\n"
        "seen = {}\n"
        "painted = app_module._after_first_paint\n"
        "def report():\n"
        f"    seen['listening'] = server_may_exist(default_name(Path({str(data)!r})))\n"
        "    QApplication.quit()\n"
        "def after_first_paint(*args):\n"
        "    seen['network_before'] = 'PySide6.QtNetwork' in sys.modules\n"
        "    painted(*args)\n"
        "    QTimer.singleShot(0, report)\n"
        "app_module._after_first_paint = after_first_paint\n"
        f"status = main(['--data-dir', {str(data)!r}, '--db', {str(archive_path)!r}])\n"
        "print(json.dumps({'status': status, **seen}))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("BROADSHEET_DATA_DIR", None)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report == {"status": 0, "network_before": False, "listening": True}


def test_bad_handed_over_arguments_leave_the_window_as_it_was(
    window: MainWindow, capsys: pytest.CaptureFixture[str]
) -> None:
    window.open_reference(GUARDIAN_URL)
    window.handle_arguments(["--view", "nonsense", "--open"])
    assert window.current is not None and window.current.article.title == GUARDIAN_TITLE
    assert "invalid choice" in capsys.readouterr().err


def test_a_second_instance_hands_its_article_to_the_running_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    name = f"broadsheet-test-{uuid.uuid4().hex[:12]}"
    running, second = SingleInstance(name), SingleInstance(name)
    try:
        assert running.listen()
        running.arguments_received.connect(window.handle_arguments)
        args = forwarded_arguments(build_parser().parse_args(["--open", GUARDIAN_URL]))
        assert args == ["--open", GUARDIAN_URL]
        with qtbot.waitSignal(window.article_opened, timeout=5000):
            assert second.try_hand_over(args) is True
        assert window.current is not None and window.current.article.title == GUARDIAN_TITLE
    finally:
        running.close()
        second.close()
