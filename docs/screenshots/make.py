"""Make the window screenshots in docs/screenshots/ from a temporary archive.

Run from the repository: ``.venv/bin/python docs/screenshots/make.py``. It imports ``seeds/``
and the good test seeds into a temporary archive, then runs ``broadsheet --screenshot`` once
per picture (offscreen, 1280×800). The lightbox is a dialog over the window, which
``--screenshot`` does not capture, so that one picture is taken in-process. ``bookmarks.png``
runs ``--screenshot`` over a data folder made here with a few bookmarks (one of them for an
article the archive does not hold) and saved searches; ``notes.png`` opens the Notes panel
in-process, as a reader does from View › Notes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
MOSUL_URL = (
    "http://www.independent.co.uk/news/world/middle-east/mosul-offensive-latest-isis-escape-"
    "route-cut-off-new-front-launched-shiite-militia-hashed-al-shaabi-a7386276.html"
)
GUARDIAN_URL = (
    "https://www.theguardian.com/us-news/2016/dec/11/"
    "rex-tillerson-director-bahamas-us-russian-oil-firm-leak"
)
BBC_URL = "http://www.bbc.co.uk/news/world-us-canada-38305827"
BOOKMARKED = (BBC_URL, MOSUL_URL, GUARDIAN_URL)
GONE_URL = "https://www.example.com/news/2015/archived-elsewhere"
GONE_TITLE = "An article from another archive"
SAVED_SEARCHES = (("Trump transition", "trump cabinet", None), ("Mosul at the Independent",
                                                              "mosul", "The Independent"))
NOTE = (
    "Compare the escape-route claim with the Reuters piece from the same week.\n\n"
    "Militia names: check the spelling (Hashed al-Shaabi / Hashd al-Shaabi).\n"
    "Follow-up: what happened to the western front by December?"
)
READER_DATA = "reader-data"
SHOTS: dict[str, tuple[str, ...]] = {
    "reader.png": ("--open", MOSUL_URL, "--theme", "light"),
    "search.png": ("--search", "trump", "--theme", "light"),
    "dark.png": ("--open", MOSUL_URL, "--theme", "dark"),
    "gallery.png": ("--open", MOSUL_URL, "--view", "gallery", "--theme", "light"),
}


def build_archive(folder: Path) -> Path:
    db = folder / "screenshots.db"
    seeds = sorted((ROOT / "seeds").glob("*.txt")) + sorted(
        (ROOT / "tests" / "data" / "seeds").glob("*.txt")
    )
    subprocess.run(
        [sys.executable, "-m", "desktop", "import", *map(str, seeds), "--db", str(db)],
        check=False, cwd=ROOT, env=_env(folder), capture_output=True,
    )
    if not db.exists():
        raise SystemExit("make.py: the import made no archive")
    return db


def _env(folder: Path, data: str = "data") -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", BROADSHEET_DATA_DIR=str(folder / data))


def shoot(db: Path, folder: Path, name: str, args: tuple[str, ...], data: str = "data") -> None:
    cmd = [sys.executable, "-m", "desktop", "--db", str(db), *args, "--screenshot", str(OUT / name)]
    result = subprocess.run(cmd, cwd=ROOT, env=_env(folder, data), capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"make.py: {name} failed: {result.stderr.strip()}")
    print(f"wrote {OUT / name}")


def shoot_lightbox(db: Path, folder: Path) -> None:
    code = f"""
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from desktop.data.archive import Archive
from desktop.ui.mainwindow import MainWindow
window = MainWindow(Archive({str(db)!r}), theme="light")
window.resize(1280, 800)
window.open_reference({MOSUL_URL!r})
window.show_view("gallery")
window.show()
box = window.gallery.open_lightbox(2)
box.resize(1000, 720)
app.processEvents()
box.grab().save({str(OUT / "lightbox.png")!r}, "PNG")
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(folder),
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"make.py: lightbox.png failed: {result.stderr.strip()}")
    print(f"wrote {OUT / 'lightbox.png'}")


def make_reader_data(db: Path, folder: Path) -> None:
    """A data folder with bookmarks, saved searches and a note, as a reader's would be."""
    from desktop.data.archive import Archive
    from desktop.data.userdata import UserData

    with Archive(db) as archive, UserData.open(folder / READER_DATA) as userdata:
        for url in BOOKMARKED:
            record = archive.get(archive.resolve(url))
            userdata.add_bookmark(url, record.article.title)
        userdata.add_bookmark(GONE_URL, GONE_TITLE)
        for name, query, outlet in SAVED_SEARCHES:
            userdata.save_search(name, query, outlet)
        userdata.set_note(MOSUL_URL, NOTE)


def shoot_notes(db: Path, folder: Path) -> None:
    code = f"""
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from desktop.data.archive import Archive
from desktop.ui.mainwindow import MainWindow
window = MainWindow(Archive({str(db)!r}), theme="light")
window.resize(1280, 800)
window.open_reference({MOSUL_URL!r})
window.commands.notes.trigger()
window.show()
app.processEvents()
window.grab().save({str(OUT / "notes.png")!r}, "PNG")
window.close()
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                            env=_env(folder, READER_DATA), capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"make.py: notes.png failed: {result.stderr.strip()}")
    print(f"wrote {OUT / 'notes.png'}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="broadsheet-shots-") as tmp:
        folder = Path(tmp)
        db = build_archive(folder)
        for name, args in SHOTS.items():
            shoot(db, folder, name, args)
        shoot_lightbox(db, folder)
        make_reader_data(db, folder)
        shoot(db, folder, "bookmarks.png", ("--open", GUARDIAN_URL, "--theme", "light"),
              data=READER_DATA)
        shoot_notes(db, folder)


if __name__ == "__main__":
    main()
