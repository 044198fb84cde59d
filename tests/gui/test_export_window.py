"""Batch PDF export from the window (issue 4): a tree outlet or section, or the search results,
into one PDF, set off the GUI thread behind a progress dialog whose Cancel leaves no file.

The save dialog is answered by patching ``QFileDialog.getSaveFileName``; message boxes and
context menus are recorded instead of shown. PDFs are read back with pypdf (the outline) and
pdftotext (the titles on their pages).
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop import pdf, textdoc
from desktop.data.archive import Archive
from desktop.data.importer import import_seeds
from desktop.ui import export, library, mainwindow
from desktop.ui.export import PdfExport
from desktop.ui.mainwindow import MainWindow
from desktop.ui.models import NodeKind, Role
from tests.conftest import TEST_SEEDS_DIR, pdf_outline

# The offscreen platform says this on every show(); harmless (PLATFORM-NOTES.md).
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

INDEPENDENT = "http://www.independent.co.uk/news"
# (URL, how often "harbour" is in the body): sections News/World, its subsections Americas and
# Middle East, a neighbour News/Worldwide that must not count as a subsection, and News/UK.
NESTED = (
    (f"{INDEPENDENT}/world/harbour-cranes-return-to-work-a7100001.html", 1),
    (f"{INDEPENDENT}/world/americas/zebra-crossing-vote-passes-a7100002.html", 2),
    (f"{INDEPENDENT}/world/middle-east/desert-lanterns-light-the-old-city-a7100003.html", 6),
    (f"{INDEPENDENT}/worldwide/antelope-census-counted-again-a7100004.html", 4),
    (f"{INDEPENDENT}/uk/kettle-prices-rise-again-a7100005.html", 3),
)
# News › World, section by section: itself, Americas, Middle East.
WORLD_TITLES = [
    "Harbour cranes return to work",
    "Zebra crossing vote passes",
    "Desert lanterns light The old city",
]
# "harbour", best first (archive.search's bm25 ranking; the last is a test seed's gallery
# caption), and limited to News › World.
HARBOUR_RANKED = [
    "Harbour cranes return to work",
    "Desert lanterns light The old city",
    "Antelope census counted again",
    "Kettle prices rise again",
    "Zebra crossing vote passes",
    "Storm Angus flooding pictures",
]
HARBOUR_IN_WORLD = [t for t in HARBOUR_RANKED if t in WORLD_TITLES]


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nested_archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The good test seeds plus five articles in nested Independent sections."""
    folder = tmp_path_factory.mktemp("nested")
    for n, (url, times) in enumerate(NESTED):
        body = "\n\n".join([" ".join(["The harbour"] * times) + f" story {n}.",
                            "A second paragraph with nothing to find."])
        (folder / f"nested{n}.txt").write_text(f"{url}\n{10 * n}\n{n}\n{body}\n",
                                               encoding="utf-8")
    db = folder / "nested.db"
    import_seeds(sorted(TEST_SEEDS_DIR.glob("*.txt")) + sorted(folder.glob("*.txt")), db)
    return db


@pytest.fixture
def window(qtbot: QtBot, nested_archive_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(Archive(nested_archive_path), theme="light")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.search_bar.shutdown()
    win.archive.close()


@dataclass
class Boxes:
    """Stands in for QMessageBox.exec: records each box (its text and format)."""

    shown: list[QMessageBox] = field(default_factory=list)

    def texts(self) -> list[str]:
        return [box.text() for box in self.shown]


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    recorder = Boxes()

    def record(box: QMessageBox) -> int:
        recorder.shown.append(box)
        return int(QMessageBox.StandardButton.Close)

    monkeypatch.setattr(QMessageBox, "exec", record)
    return recorder


def answer_save_dialog(monkeypatch: pytest.MonkeyPatch, answer: Path) -> list[str]:
    """The save dialog answers ``answer``; returns the file names it proposed."""
    proposed: list[str] = []

    def fake(parent: QWidget, caption: str, path: str, filters: str) -> tuple[str, str]:
        proposed.append(Path(path).name)
        return str(answer), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    return proposed


def choose_in_context_menus(monkeypatch: pytest.MonkeyPatch, text: str) -> list[list[str]]:
    """Each context menu the tree or the results list opens picks the entry ``text`` instead
    of waiting for a click; returns every menu's entries."""
    menus: list[list[str]] = []

    # Not a patch of QMenu.exec: PySide6 resolves that overloaded method past the class
    # attribute, so the menus the window builds are made from this subclass instead.
    class PickingMenu(QMenu):
        def exec(self, *args: Any) -> Any:
            menus.append([a.text() for a in self.actions()])
            for action in self.actions():
                if action.text() == text:
                    action.trigger()
                    return action
            return None

    monkeypatch.setattr(library, "QMenu", PickingMenu)
    monkeypatch.setattr(mainwindow, "QMenu", PickingMenu)
    return menus


@dataclass
class ProgressSpy:
    """What the progress dialog said, and on which threads documents were built.

    ``cancel_after``: click Cancel once this many steps are done (an article is two: set and
    counted, then painted).
    """

    cancel_after: int | None = None
    labels: list[str] = field(default_factory=list)
    visible_at_cancel: bool | None = None
    cancel_enabled_at_end: bool | None = None
    built_on: list[threading.Thread] = field(default_factory=list)
    painted: int = 0
    # The worker waits for this before the step after the cancel: the click lands between two
    # steps whatever the machine's speed.
    clicked: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def spy(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> ProgressSpy:
    recorder = ProgressSpy()

    class SpiedProgressDialog(export.ExportProgressDialog):
        def __init__(self, job: PdfExport, parent: QWidget | None) -> None:
            super().__init__(job, parent)
            job.progressed.connect(self._spy_on_progress)

        def setLabelText(self, text: str) -> None:  # noqa: N802 - Qt's name
            recorder.labels.append(text)
            super().setLabelText(text)

        def _spy_on_progress(self, done: int, _total: int) -> None:
            if done == recorder.cancel_after:
                recorder.visible_at_cancel = self.isVisible()
                self.cancel_button.click()
                recorder.clicked.set()

        def finish(self) -> None:
            recorder.cancel_enabled_at_end = self.cancel_button.isEnabled()
            super().finish()

    def wait_for_cancel() -> None:
        started = len(recorder.built_on) + recorder.painted
        if recorder.cancel_after is not None and started > recorder.cancel_after:
            assert recorder.clicked.wait(10), "Cancel was never clicked"

    original_build = textdoc.build_document
    original_paint = pdf._paint_article

    def build_document(*args: Any, **kwargs: Any) -> Any:
        recorder.built_on.append(threading.current_thread())
        wait_for_cancel()
        return original_build(*args, **kwargs)

    def paint_article(*args: Any, **kwargs: Any) -> None:
        recorder.painted += 1
        wait_for_cancel()
        original_paint(*args, **kwargs)

    monkeypatch.setattr(export, "ExportProgressDialog", SpiedProgressDialog)
    monkeypatch.setattr("desktop.pdf.build_document", build_document)
    monkeypatch.setattr("desktop.pdf._paint_article", paint_article)
    return recorder


# --- helpers --------------------------------------------------------------------------------


def page_text(path: Path, page: int) -> str:
    """pdftotext's text of one page (0-based), all spacing as one space."""
    result = subprocess.run(
        ["pdftotext", "-f", str(page + 1), "-l", str(page + 1), str(path), "-"],
        capture_output=True, text=True, check=True, timeout=60,
    )
    return " ".join(result.stdout.split())


def assert_one_article_per_entry(path: Path, titles: list[str]) -> None:
    """The outline lists ``titles`` in order, each entry on the page its article starts,
    which pdftotext reads as beginning with that title."""
    entries = pdf_outline(path)
    assert [title for title, _ in entries] == titles
    pages = [page for _, page in entries]
    assert pages == sorted(set(pages)) and pages[0] == 0
    for title, page in entries:
        assert page_text(path, page).startswith(title)


def tree_row(window: MainWindow, outlet: str, section: str | None = None) -> QModelIndex:
    """The tree row of an outlet, or of one of its sections (loading them)."""
    model = window.tree_model
    rows = [model.index(r, 0) for r in range(model.rowCount())]
    [found] = [i for i in rows if i.data(Role.OUTLET) == outlet]
    if section is None:
        return found
    window.tree.expand(found)
    children = [model.index(r, 0, found) for r in range(model.rowCount(found))]
    [child] = [i for i in children if i.data(Role.SECTION) == section]
    return child


def right_click(window: MainWindow, index: QModelIndex) -> None:
    """Ask for the tree's context menu on ``index``, as a right click there does."""
    window.tree.scrollTo(index)
    pos = window.tree.visualRect(index).center()
    assert window.tree.indexAt(pos) == index
    window.tree.customContextMenuRequested.emit(pos)


def search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    with qtbot.waitSignal(window.search_bar.search_finished, timeout=5000):
        window.search_bar.search_now(text)


# --- the tree -------------------------------------------------------------------------------


def test_a_section_exports_with_its_subsections_one_outline_entry_per_article(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, boxes: Boxes,
    spy: ProgressSpy,
) -> None:
    proposed = answer_save_dialog(monkeypatch, tmp_path / "world.pdf")
    menus = choose_in_context_menus(monkeypatch, "Export as PDF…")

    right_click(window, tree_row(window, "The Independent", "News/World"))

    assert menus == [["Export as PDF…"]]
    assert proposed == ["The Independent - News › World.pdf"]
    target = tmp_path / "world.pdf"
    assert_one_article_per_entry(target, WORLD_TITLES)
    assert "Antelope census" not in " ".join(page_text(target, p) for p in range(3))
    assert boxes.texts() == [f"Exported 3 articles to world.pdf.\n\nFolder: {tmp_path}"]
    assert [b.textFormat() for b in boxes.shown] == [Qt.TextFormat.PlainText]


def test_an_outlet_exports_every_section_in_tree_order(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, boxes: Boxes,
) -> None:
    answer_save_dialog(monkeypatch, tmp_path / "independent.pdf")
    choose_in_context_menus(monkeypatch, "Export as PDF…")

    right_click(window, tree_row(window, "The Independent"))

    # Sections by path: News/UK, News/UK/Home News, News/World (+ Americas, Middle East),
    # News/Worldwide; the seed in News/UK/Home News is the test seeds' Independent article.
    titles = [title for title, _ in pdf_outline(tmp_path / "independent.pdf")]
    archive = window.archive
    expected = [s.title for g in archive.sections("The Independent")
                for s in archive.summaries_in("The Independent", g.name)]
    assert titles == expected and len(titles) == 6
    assert titles[0] == "Kettle prices rise again"
    assert titles[-1] == "Antelope census counted again"


def test_articles_have_no_export_entry_in_the_tree(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch,
) -> None:
    menus = choose_in_context_menus(monkeypatch, "Export as PDF…")
    section = tree_row(window, "The Independent", "News/World")
    window.tree.expand(section)
    article = window.tree_model.index(0, 0, section)
    assert article.data(Role.KIND) == NodeKind.ARTICLE
    right_click(window, article)
    assert menus == []


# --- the search results ---------------------------------------------------------------------


def test_export_results_is_enabled_only_while_there_are_results(
    qtbot: QtBot, window: MainWindow,
) -> None:
    action = window.commands.export_results_pdf
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu) and action in file_menu.actions()
    assert action.text() == "Export search &results as PDF…"
    assert not action.isEnabled()
    search(qtbot, window, "harbour")
    assert action.isEnabled()
    search(qtbot, window, "zzqqxxj")
    assert not action.isEnabled()
    search(qtbot, window, "harbour")
    window.search_bar.search_now("")
    assert not action.isEnabled()


def test_search_results_export_every_hit_in_rank_order(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes, spy: ProgressSpy,
) -> None:
    proposed = answer_save_dialog(monkeypatch, tmp_path / "harbour")
    search(qtbot, window, "harbour")
    shown = [window.results_model.hit(r).title for r in range(window.results_model.rowCount())]
    assert shown == HARBOUR_RANKED

    window.commands.export_results_pdf.trigger()

    assert proposed == ["harbour.pdf"]
    assert_one_article_per_entry(tmp_path / "harbour.pdf", HARBOUR_RANKED)
    assert boxes.texts() == [f"Exported 6 articles to harbour.pdf.\n\nFolder: {tmp_path}"]
    # Progress counted the articles on the dialog, first set, then written, and Cancel went
    # once the file was complete; the documents were built off the GUI thread.
    assert spy.labels == (
        [f"Preparing article {k} of 6…" for k in range(1, 7)]
        + [f"Writing article {k} of 6…" for k in range(1, 7)]
        + ["Saving harbour.pdf…"]
    )
    assert spy.cancel_enabled_at_end is False
    assert len(spy.built_on) == 6
    assert all(t is not threading.main_thread() for t in spy.built_on)


def test_the_results_context_menu_exports_with_the_search_filters(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    answer_save_dialog(monkeypatch, tmp_path / "world-harbour.pdf")
    menus = choose_in_context_menus(monkeypatch, "Export results as PDF…")
    window.search_bar.set_filters("The Independent", "News/World")
    search(qtbot, window, "harbour")

    window.results_view.customContextMenuRequested.emit(
        window.results_view.visualRect(window.results_model.index(0, 0)).center())

    assert menus == [["Export results as PDF…"]]
    assert [t for t, _ in pdf_outline(tmp_path / "world-harbour.pdf")] == HARBOUR_IN_WORLD
    assert len(boxes.shown) == 1


# --- cancel and failure ---------------------------------------------------------------------


PREPARING = [f"Preparing article {k} of 6…" for k in range(1, 7)]
WRITING = [f"Writing article {k} of 6…" for k in range(1, 7)]


@pytest.mark.parametrize("existing", [False, True], ids=["new file", "existing file"])
@pytest.mark.parametrize(
    ("cancel_after", "built", "painted", "labels"),
    [(1, 2, 0, PREPARING[:2]), (8, 6, 3, PREPARING + WRITING[:3])],
    ids=["while preparing", "while writing"],
)
def test_cancel_stops_between_articles_and_leaves_no_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes, spy: ProgressSpy, existing: bool, cancel_after: int, built: int,
    painted: int, labels: list[str],
) -> None:
    target = tmp_path / "harbour.pdf"
    if existing:
        target.write_bytes(b"%PDF-1.4 the reader's earlier export")
    answer_save_dialog(monkeypatch, target)
    search(qtbot, window, "harbour")
    spy.cancel_after = cancel_after

    assert window.export_search_results() is None

    # The article after the last reported was being set (or painted) when Cancel was
    # clicked; nothing after it was started.
    assert spy.visible_at_cancel is True
    assert (len(spy.built_on), spy.painted) == (built, painted)
    assert spy.labels == labels
    assert boxes.shown == []
    if existing:
        assert target.read_bytes() == b"%PDF-1.4 the reader's earlier export"
        assert [p.name for p in tmp_path.iterdir()] == ["harbour.pdf"]
    else:
        assert list(tmp_path.iterdir()) == []
    # The window is usable again: no dialog left open, no wait cursor.
    assert QApplication.overrideCursor() is None
    assert [w for w in QApplication.topLevelWidgets()
            if isinstance(w, export.ExportProgressDialog) and w.isVisible()] == []


def _disk_full(src: object, dst: object) -> None:
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("problem", ["a folder", "disk full"])
def test_an_unwritable_target_says_so_in_plain_text_and_leaves_no_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes, problem: str,
) -> None:
    target = tmp_path / "<b>out.pdf"
    if problem == "a folder":
        target.mkdir()
        reason = "this is a folder, not a file name (give a file name ending in .pdf)"
    else:
        monkeypatch.setattr("desktop.pdf.os.replace", _disk_full)
        reason = ("cannot write the PDF: No space left on device (check the folder is "
                  "writable and has free space, or choose another location)")
    answer_save_dialog(monkeypatch, target)
    choose_in_context_menus(monkeypatch, "Export as PDF…")

    right_click(window, tree_row(window, "The Independent", "News/World"))

    assert boxes.texts() == [f"The PDF could not be written.\n\n{target}: {reason}"]
    assert [b.textFormat() for b in boxes.shown] == [Qt.TextFormat.PlainText]
    if problem == "a folder":
        assert [p.name for p in tmp_path.iterdir()] == ["<b>out.pdf"]
        assert list(target.iterdir()) == []
    else:
        assert list(tmp_path.iterdir()) == []
