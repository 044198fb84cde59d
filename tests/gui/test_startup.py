"""Import late, build late (STYLE §5.8): what the window's start loads before its first paint.

Each check starts the window in a fresh interpreter (``broadsheet --screenshot``, offscreen),
so nothing this test process imported can hide a module the start pulls in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop.ui.mainwindow import GALLERY_TAB, MainWindow
from tests.conftest import ROOT

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

MOSUL_URL = (
    "http://www.independent.co.uk/news/world/middle-east/mosul-offensive-latest-isis-escape-"
    "route-cut-off-new-front-launched-shiite-militia-hashed-al-shaabi-a7386276.html"
)

# Loaded only by the code that runs an import, a merge or an export, or shows a panel.
NOT_BEFORE_FIRST_PAINT = (
    "sqlite_utils",
    "desktop.data.importer",
    "desktop.data.userarchive",
    "multiprocessing",
    "desktop.pdf",
    "desktop.selection",
    "desktop.ui.export",
    "desktop.ui.importing",
    "desktop.ui.gallery",
    "desktop.ui.notes",
    "PySide6.QtNetwork",
    # Not a dependency (desktop/override.py stands in for its override); ~8 ms to import.
    "typing_extensions",
    # Only without --data-dir (or BROADSHEET_DATA_DIR) is the per-user folder looked up.
    "platformdirs",
    # The first paint shows no article: the renderer (the reader takes its measures from
    # ``typography``), the article records, URL rules and hashing load with the first one.
    "desktop.render",
    "desktop.data.article",
    "desktop.data.urls",
    "hashlib",
    "html",
    # Records made before the first paint are NamedTuples or plain classes: a dataclass costs
    # the start its generated methods, and the module its import.
    "dataclasses",
)


def first_paint_report(
    tmp_path: Path, archive_path: Path, setup: str, report: str, *args: str
) -> dict[str, Any]:
    """Run ``broadsheet --screenshot`` in a fresh interpreter: ``setup`` (Python lines) runs
    first, ``report`` (an expression over what they defined) is printed as JSON once the
    window has been painted and saved; the start must succeed."""
    out = tmp_path / "first-paint.png"
    code = (
        f"import json\n{setup}"
        "from desktop.cli import main\n"
        f"status = main(['--data-dir', {str(tmp_path / 'data')!r}, '--db', "
        f"{str(archive_path)!r}, *{list(args)!r}, '--screenshot', {str(out)!r}])\n"
        f"print(json.dumps({{'status': status, 'report': {report}}}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("BROADSHEET_DATA_DIR", None)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout.splitlines()[-1])
    assert printed["status"] == 0
    assert out.stat().st_size > 0
    return dict(printed["report"])


def modules_after_first_paint(tmp_path: Path, archive_path: Path, *args: str) -> set[str]:
    """The modules loaded once ``broadsheet --screenshot`` has painted and saved the window."""
    report = first_paint_report(tmp_path, archive_path, "import sys\n",
                                "{'modules': sorted(sys.modules)}", *args)
    return set(report["modules"])


@pytest.fixture(scope="module")
def first_paint_modules(tmp_path_factory: pytest.TempPathFactory, archive_path: Path) -> set[str]:
    return modules_after_first_paint(tmp_path_factory.mktemp("start"), archive_path)


def test_the_first_paint_loads_neither_sqlite_utils_nor_the_importer(
    first_paint_modules: set[str],
) -> None:
    assert "desktop.ui.mainwindow" in first_paint_modules  # the window really was built
    assert "sqlite_utils" not in first_paint_modules
    assert "desktop.data.importer" not in first_paint_modules


@pytest.mark.parametrize("module", NOT_BEFORE_FIRST_PAINT)
def test_the_first_paint_leaves_import_merge_and_export_code_unloaded(
    first_paint_modules: set[str], module: str
) -> None:
    assert module not in first_paint_modules


def test_the_gallery_built_on_first_show_shows_the_article_opened_before(
    window: MainWindow,
) -> None:
    window.open_reference(MOSUL_URL)
    assert window.current is not None
    photos = sum(len(g.items) for g in window.current.article.galleries)
    assert photos > 0
    window.commands.view_gallery.trigger()
    assert window.tabs.currentIndex() == GALLERY_TAB
    assert window.gallery.isVisible()
    assert window.gallery.model().rowCount() == photos


def test_the_notes_panel_built_on_first_show_holds_the_open_articles_note(
    window: MainWindow,
) -> None:
    window.open_reference(MOSUL_URL)
    assert window.current is not None
    window.userdata.set_note(window.current.article.url, "Check the militia's name.")
    window.commands.notes.trigger()
    assert window.notes.isVisible()
    assert window.notes.text() == "Check the militia's name."


def test_garbage_collection_is_back_on_when_the_window_is_shown(
    tmp_path: Path, archive_path: Path
) -> None:
    """The start runs without automatic collection; the window itself must not."""
    setup = (
        "import gc\n"
        "import desktop.ui.app as app\n"
        "seen = []\n"
        "shoot = app._screenshot\n"
        "def recording(window, out):\n"
        "    seen.append(gc.isenabled())\n"
        "    return shoot(window, out)\n"
        "app._screenshot = recording\n"
    )
    report = first_paint_report(
        tmp_path, archive_path, setup,
        "{'seen': seen, 'frozen': gc.get_freeze_count(), 'enabled': gc.isenabled()}",
    )
    assert report["seen"] == [True]
    assert report["enabled"]
    assert report["frozen"] > 0  # the start's long-lived objects are left out of collections


def test_a_later_start_paints_without_building_the_qt_enum_namespace(
    tmp_path: Path, archive_path: Path
) -> None:
    """PySide6 builds all 95 enums of ``Qt`` when it is first used (``lazyqt.py``). The first
    start of all asks the OS for its colour scheme, which builds it, and remembers the answer;
    a later start paints from the answer remembered, and builds it for nothing on the way."""
    setup = "import PySide6.QtCore\n"
    report = "{'namespace_built': 'Qt' in vars(PySide6.QtCore)}"
    first = first_paint_report(tmp_path, archive_path, setup, report)
    later = first_paint_report(tmp_path, archive_path, setup, report)
    assert first["namespace_built"]
    assert not later["namespace_built"]


# PySide6 makes a class's Python type, with its enums, when the class is first touched; these
# are used only after the first paint (painting search hits, waiting for --search), or not at
# all on the way to it.
TYPES_NOT_BEFORE_FIRST_PAINT = ("QPainter", "QEventLoop", "QRect")


def test_a_later_start_paints_without_making_types_it_does_not_need(
    tmp_path: Path, archive_path: Path
) -> None:
    setup = "import PySide6.QtCore, PySide6.QtGui\n"
    report = ("{'made': sorted(name for module in (PySide6.QtCore, PySide6.QtGui) for name in "
              f"vars(module) if name in {TYPES_NOT_BEFORE_FIRST_PAINT!r})}}")
    first_paint_report(tmp_path, archive_path, setup, report)  # remembers the OS scheme
    assert first_paint_report(tmp_path, archive_path, setup, report)["made"] == []


def test_the_start_paths_numbers_are_qts_own_values() -> None:
    from PySide6.QtCore import Qt

    from desktop.ui import lazyqt

    roles = Qt.ItemDataRole
    assert (lazyqt.DISPLAY_ROLE, lazyqt.TOOLTIP_ROLE, lazyqt.FONT_ROLE) == (
        roles.DisplayRole.value, roles.ToolTipRole.value, roles.FontRole.value)
    assert (lazyqt.TEXT_ALIGNMENT_ROLE, lazyqt.FOREGROUND_ROLE) == (
        roles.TextAlignmentRole.value, roles.ForegroundRole.value)
    assert (lazyqt.ACCESSIBLE_TEXT_ROLE, lazyqt.USER_ROLE) == (
        roles.AccessibleTextRole.value, roles.UserRole.value)
    align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert lazyqt.ALIGN_RIGHT_VCENTER == align.value
    assert lazyqt.Qt.ItemDataRole is Qt.ItemDataRole  # the stand-in hands out the real enums
