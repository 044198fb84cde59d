"""Shared fixtures. Qt runs offscreen: the platform is set before anything imports Qt."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

import pytest  # noqa: E402

if TYPE_CHECKING:
    from desktop.data.archive import Archive

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
TEST_SEEDS_DIR = Path(__file__).resolve().parent / "data" / "seeds"
CORPUS_DIR = ROOT.parent / "shared" / "corpus" / "real"
SEED_FILE = next(iter(sorted(SEEDS_DIR.glob("*.txt"))))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "qtbot" in fixtures or "qapp" in fixtures:
            item.add_marker(pytest.mark.gui)
        if "packaging" in Path(str(item.fspath)).parts:
            item.add_marker(pytest.mark.packaging)
            # A real build (PyInstaller, debootstrap on a fresh machine) runs in a fixture
            # of the first test that asks for it: far longer than pyproject's per-test timeout.
            item.add_marker(pytest.mark.timeout(2400))


@pytest.fixture(autouse=True)
def user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the per-user data folder at a temporary folder: no test touches the real profile."""
    data = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("BROADSHEET_DATA_DIR", str(data))
    return data


@pytest.fixture(scope="session")
def archive_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive built once per session by the real importer from ``seeds/`` and the good
    test seeds (the top level of ``tests/data/seeds``; ``bad/`` stays out)."""
    from desktop.data.importer import import_seeds

    path = tmp_path_factory.mktemp("archive") / "archive.db"
    seeds = sorted(SEEDS_DIR.glob("*.txt")) + sorted(TEST_SEEDS_DIR.glob("*.txt"))
    import_seeds(seeds, path)
    return path


@pytest.fixture
def archive(archive_path: Path) -> Iterator[Archive]:
    """The session archive, open read-only; closed at teardown."""
    from desktop.data.archive import Archive

    opened = Archive(archive_path)
    yield opened
    opened.close()


def pdf_outline(path: Path) -> list[tuple[str, int]]:
    """(title, 0-based page) of each top-level outline entry of the PDF at ``path``."""
    from pypdf import PdfReader
    from pypdf.generic import Destination

    reader = PdfReader(path)
    entries = []
    for item in reader.outline:
        assert isinstance(item, Destination), "nested outline entries"
        page = reader.get_destination_page_number(item)
        assert page is not None, f"outline entry {item.title!r} points at no page"
        entries.append((str(item.title), page))
    return entries
